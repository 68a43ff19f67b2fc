#!/usr/bin/env bash
# Preview a .docx: LibreOffice -> PDF, then poppler -> one PNG per page (60 dpi).
# Usage: tools/preview.sh DOCX OUTDIR
# Fonts: tools/preview-fonts.conf maps the official Chinese fonts (仿宋_GB2312, 黑体 …),
# which Linux lacks, to free look-alikes. Previews only; the .docx is unchanged.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 DOCX OUTDIR" >&2
    exit 2
fi
docx=$1
outdir=$2
[[ -f $docx ]] || { echo "no such file: $docx" >&2; exit 1; }
for tool in soffice pdftoppm; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install libreoffice-writer-nogui poppler-utils)" >&2; exit 1; }
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$outdir"
# A private LibreOffice profile per run: concurrent soffice calls on one profile fail.
profile=/tmp/reportgen-preview-$$
trap 'rm -rf "$profile"' EXIT

FONTCONFIG_FILE="$here/preview-fonts.conf" soffice \
    -env:UserInstallation="file://$profile" \
    --headless --convert-to pdf --outdir "$outdir" "$docx" >/dev/null

stem=$(basename "${docx%.*}")
pdf="$outdir/$stem.pdf"
# soffice exits 0 even when the conversion fails, so check for the PDF.
[[ -s $pdf ]] || { echo "conversion failed: no $pdf" >&2; exit 1; }
pdftoppm -r 60 -png "$pdf" "$outdir/$stem"
echo "$pdf"
ls "$outdir/$stem"*.png
