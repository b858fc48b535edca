// Placeholder until the tool lands: see its issue.
print("psagg: not built yet")
