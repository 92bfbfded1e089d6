"""The first version of the standard terms (allmänna villkor) for basic funding (issue 19).

A grant, not a purchase: purpose, conditions and follow-up, never penalties or ordered services
(design §11). Administrators change the terms by adding a version in the admin
(`agreements.services.terms`); a version an agreement already carries is never changed. This
module holds version 1 as the data migration seeds it.
"""

TITLE = "Allmänna villkor för grundfinansiering"

CLAUSES = [
    {
        "heading": "Bidragets karaktär",
        "text": (
            "Grundfinansieringen är ett bidrag till partnerns egen verksamhet. Den är inte "
            "ersättning för varor eller tjänster som Region Halland beställer, och regionen får "
            "ingen motprestation. Överenskommelsen är därför inte ett offentligt kontrakt enligt "
            "lagen (2016:1145) om offentlig upphandling. Partnern ansvarar själv för sin "
            "verksamhet, sin personal och sina åtaganden mot andra."
        ),
    },
    {
        "heading": "Användning av bidraget",
        "text": (
            "Bidraget får bara användas för det syfte och på de villkor som står i "
            "överenskommelsen och för kostnader under överenskommelsens period. Partnern "
            "meddelar Region Halland skriftligt och utan dröjsmål om något inträffar som kan "
            "påverka verksamheten eller rätten till bidraget, till exempel ändrad inriktning, "
            "betydande ekonomiska svårigheter, likvidation eller konkurs."
        ),
    },
    {
        "heading": "Utbetalning",
        "text": (
            "Region Halland betalar ut bidraget i de delbetalningar som betalningsplanen anger, "
            "till det bankgiro- eller plusgironummer som partnern har anmält till regionen. "
            "Varje delbetalning attesteras av regionen innan den betalas ut. En delbetalning som "
            "är knuten till en återrapport betalas ut först när den återrapporten har godkänts. "
            "Regionen kan skjuta upp en delbetalning så länge en återrapport är försenad."
        ),
    },
    {
        "heading": "Återrapporternas innehåll",
        "text": (
            "Partnern lämnar varje återrapport i regionens system senast på det datum som "
            "anges. En återrapport innehåller en verksamhetsberättelse som beskriver vad som har "
            "gjorts och uppnåtts i förhållande till syftet, en ekonomisk redovisning av "
            "verksamhetens intäkter och kostnader under perioden där bidraget från Region "
            "Halland framgår, och utfallet för de nyckeltal som överenskommelsen anger. Till "
            "slutrapporten bifogas den senast fastställda årsredovisningen eller motsvarande. "
            "Region Halland kan be om kompletteringar."
        ),
    },
    {
        "heading": "Återbetalning och återkrav",
        "text": (
            "Region Halland kan besluta att partnern helt eller delvis ska betala tillbaka "
            "bidraget om det inte har använts för syftet eller inom perioden, om partnern har "
            "lämnat oriktiga eller ofullständiga uppgifter som har påverkat bidraget eller "
            "utbetalningarna, om en återrapport inte lämnas trots påminnelse, om verksamheten "
            "upphör eller om överenskommelsen hävs. Bidrag som inte har förbrukats när perioden "
            "slutar betalas tillbaka. Regionen anger skälet och beloppet skriftligt; partnern "
            "betalar tillbaka inom 30 dagar från kravet. Delbetalningar som ännu inte har "
            "betalats ut kan i stället hållas inne."
        ),
    },
    {
        "heading": "Insyn och uppföljning",
        "text": (
            "Region Halland och regionens revisorer har rätt att ta del av det underlag som "
            "behövs för att följa upp hur bidraget har använts, till exempel bokföring, "
            "verifikationer, avtal och styrelseprotokoll som rör verksamheten. Partnern håller "
            "underlaget tillgängligt så länge bokföringslagen (1999:1078) kräver att det sparas."
        ),
    },
    {
        "heading": "Region Halland som finansiär",
        "text": (
            "Partnern anger i sin kommunikation om verksamheten, till exempel på webbplatsen, i "
            "trycksaker, presentationer och sociala medier, att verksamheten får "
            "grundfinansiering från Region Halland, och använder då regionens logotyp enligt "
            "regionens grafiska riktlinjer."
        ),
    },
    {
        "heading": "Ändringar och tillägg",
        "text": (
            "Ändringar i och tillägg till överenskommelsen gäller bara om de har gjorts "
            "skriftligt och skrivits under av båda parter. Ett ändrat bidragsbelopp förutsätter "
            "ett nytt beslut av Region Halland. Partnern får inte överlåta överenskommelsen "
            "eller rätten till bidraget till någon annan utan regionens skriftliga medgivande."
        ),
    },
    {
        "heading": "Hävning",
        "text": (
            "Region Halland får häva överenskommelsen om partnern väsentligt bryter mot den och "
            "inte har rättat till bristen inom skälig tid efter en skriftlig påpekan. Vid "
            "hävning gäller punkten om återbetalning och återkrav."
        ),
    },
    {
        "heading": "Personuppgifter",
        "text": (
            "Region Halland behandlar personuppgifter om partnerns företrädare och "
            "kontaktpersoner, som namn, roll, e-postadress, telefonnummer och underskrifter, "
            "för att administrera överenskommelsen och följa upp bidraget. Behandlingen är "
            "nödvändig för att utföra en uppgift av allmänt intresse, regionens ansvar för "
            "regional utveckling (artikel 6.1 e i dataskyddsförordningen (EU) 2016/679 och lagen "
            "(2010:630) om regionalt utvecklingsansvar). Uppgifterna bevaras och gallras enligt "
            "arkivlagen (1990:782) och regionens informationshanteringsplan. Den som uppgifterna "
            "gäller kan vända sig till Region Hallands dataskyddsombud. Partnern informerar sina "
            "företrädare och kontaktpersoner om behandlingen."
        ),
    },
    {
        "heading": "Offentlighet och sekretess",
        "text": (
            "Region Halland omfattas av offentlighetsprincipen. Överenskommelsen och de "
            "handlingar som partnern lämnar in, till exempel återrapporter och bilagor, blir "
            "allmänna handlingar hos regionen. Om någon begär att få ta del av dem prövar "
            "regionen i varje enskilt fall om uppgifter i dem omfattas av sekretess enligt "
            "offentlighets- och sekretesslagen (2009:400). Partnern kan i samband med att "
            "handlingen lämnas ange vilka uppgifter partnern anser skulle skada partnern om de "
            "lämnades ut, och varför."
        ),
    },
    {
        "heading": "Tvister",
        "text": (
            "Svensk lag gäller för överenskommelsen. Tvister om hur den ska tolkas eller "
            "tillämpas löses i första hand genom förhandling mellan parterna. Om parterna inte "
            "kommer överens avgörs tvisten av allmän domstol, med Halmstads tingsrätt som första "
            "instans."
        ),
    },
]
