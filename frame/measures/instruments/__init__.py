"""Instrument definition files, one JSON file per instrument (a package so they are installed)."""
