"""Claim families: one module per family, holding its trial, analysis, figures and captions.

A configuration file in the repository's ``experiments/`` folder names its trial, analysis and
figure functions as ``"experiments.<module>:<function>"``; the runner finds them by that name.
"""
