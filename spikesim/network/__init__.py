"""Network: node collections, populations, connections and connection rules."""
