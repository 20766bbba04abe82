"""The synthetic population: generation, calibration to official totals, storage and validation."""
