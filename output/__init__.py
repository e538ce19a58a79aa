"""Output: records → pandas frames (reports, cells, panel, codebook) → dataset files."""
