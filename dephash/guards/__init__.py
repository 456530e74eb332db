"""Supply-chain guards that pinning by hash alone does not give: a release cooldown
(``cutoff``: no file uploaded after a date) and dependency confusion (``sources``: one name
served differently by two indexes)."""
