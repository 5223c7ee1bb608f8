"""Reading Chinese policy documents: plain Python, no Django.

Everything here works on a string and returns plain values, so it can be
used from a shell on any text and tested without a database.
"""
