"""Benchmark of Consult at the scale of a real code of practice: data generator and load runner."""
