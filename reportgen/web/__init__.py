"""The web page: `reportgen serve ROOT`, a thin face over the same core as the command line.

Importing this package loads nothing heavy; FastAPI, uvicorn and argon2 load when the server
starts (they are the optional extra `web`).
"""
