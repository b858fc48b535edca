// Placeholder until the tool lands: see its issue.
print("pstsv: not built yet")
