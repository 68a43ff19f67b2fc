"""The Excel 填报表 a department fills in.

layout.py describes its sheets and rows once; inputs/xlsx_reader.py reads a filled workbook
back from it, blank.py writes the empty one for a framework and new_folder.py makes a whole
department folder ready to fill in (reportgen init). Only the reader belongs to the input
stage; the writers come after the framework they list.
"""
