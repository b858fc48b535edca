// Placeholder until the tool lands: see its issue.
print("psfilter: not built yet")
