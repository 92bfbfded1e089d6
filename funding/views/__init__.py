"""Budget pages (`budget`) and the committee secretary's decision pages (`decisions`)."""
