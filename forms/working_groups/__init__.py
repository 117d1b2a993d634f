"""Working groups: the sign-up page, the groups, decisions on sign-ups, moves and merges."""
