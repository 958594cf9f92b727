"""Links kept with a plan, an action point or a meeting: the report's training resources,
the data-collection initiatives it names, a meeting's documents."""
