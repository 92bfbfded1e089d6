"""Getting into an account by a one-time e-mail link: invitations and password resets.

An invitation creates an active user with no usable password and e-mails them a link to choose
one; a password reset e-mails an existing user a link to choose a new one. Both links are made
by `accounts.tokens` when the e-mail is sent, are valid for PASSWORD_RESET_TIMEOUT and work
once. This app sits between notices and partners: it writes users, their history and their
e-mail; partners invites its own users through it.
"""
