// Placeholder until the tool lands: see its issue.
print("pscsv: not built yet")
