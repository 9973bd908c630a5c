"""Route planning: the whole day proposed in seconds, and emergencies fitted into live routes.

Solver layer (no Django): model.py (Technician, Job, Problem, Plan), matrix.py (great-circle × circuity ÷ area
speed, or an OSRM table), solver.py (PyVRP, with the mapping of breaks, skills, areas, pins, windows,
capacity and priorities), insertion.py (timing a day; cheapest insertion as warm start and for emergencies),
feasibility.py (an independent check), benchmark.py (Solomon reader, generated city day).
Django layer: services.py (day from work orders and staff, store, commit through `assign`), tasks.py, api.py.

Why PyVRP 0.14.1 (measured on this 2-core machine, 30 s, raw libraries, six Solomon instances): 0.12 % over
the best-known distances on average against OR-Tools 9.15's 1.34 % at best (PARALLEL_CHEAPEST_INSERTION +
guided local search; PATH_CHEAPEST_ARC found nothing for R101 and RC101), and 10–20 % fewer km on a realistic
overbooked day. Its weak spots are handled in solver.py: no breaks (a pinned break client per technician),
no per-job vehicle list (routing profiles), emergencies dropped from a cold start (warm start from cheapest
insertion, must jobs required). Through this package the six instances average +0.04 % at 30 s (README.md,
"Route planning").
"""
