"""Editor tools (init, new, import, stats).

They stand beside the load -> check -> render pipeline and only call into it.
"""
