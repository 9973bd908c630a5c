"""Route planning (see solver.py for the model and the choice of PyVRP)."""
