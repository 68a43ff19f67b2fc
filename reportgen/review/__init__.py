"""Review a hand-written report: read any .docx, recompute what it states, annotate it.

Stages, each readable alone: reader (docx → paragraphs and tables with places) → figures
(numbers in text) → checks (computations, totals, indicator table, years, numbering), each
giving findings → outputs (Word comments in a copy, JSON, 审核汇总表.xlsx) → the command.
"""
