"""What kiln build does with a manifest: discovery, the graph, caches, sources, the workspace channel."""
