// Placeholder until the tool lands: see its issue.
print("psdelta: not built yet")
