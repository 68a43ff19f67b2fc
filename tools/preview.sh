#!/usr/bin/env bash
# Preview a .docx: LibreOffice -> PDF, then poppler -> one PNG per page (60 dpi).
# 用法：tools/preview.sh 报告.docx 输出文件夹
# Fonts: tools/preview-fonts.conf maps the official Chinese fonts (仿宋_GB2312, 黑体 …),
# which Linux lacks, to free look-alikes. Previews only; the .docx is unchanged.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "用法：$0 报告.docx 输出文件夹（把报告转为 PDF 和每页一张的 PNG 预览图）" >&2
    exit 2
fi
docx=$1
outdir=$2
[[ -f $docx ]] || { echo "找不到文件：$docx" >&2; exit 1; }
for tool in soffice pdftoppm; do
    command -v "$tool" >/dev/null || { echo "未找到 $tool；请安装：sudo apt-get install libreoffice-writer-nogui poppler-utils fonts-noto-cjk fonts-liberation2" >&2; exit 1; }
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$outdir"
# A private LibreOffice profile per run: concurrent soffice calls on one profile fail.
profile=/tmp/reportgen-preview-$$
trap 'rm -rf "$profile"' EXIT
# Record the installed LibreOffice version in it, as reportgen's own profiles do, which
# spares LibreOffice's graphics self-tests at start (~0.8 s of CPU); where reportgen
# cannot be imported, LibreOffice only starts slower.
PYTHONPATH="$here/..${PYTHONPATH:+:$PYTHONPATH}" python3 -c \
    'import sys, pathlib, reportgen.render.pdf as p; p.seed_profile(pathlib.Path(sys.argv[1]))' \
    "$profile" 2>/dev/null || true

FONTCONFIG_FILE="$here/preview-fonts.conf" soffice \
    -env:UserInstallation="file://$profile" \
    --headless --convert-to 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}' \
    --outdir "$outdir" "$docx" >/dev/null

stem=$(basename "${docx%.*}")
pdf="$outdir/$stem.pdf"
# soffice exits 0 even when the conversion fails, so check for the PDF.
[[ -s $pdf ]] || { echo "LibreOffice 转换失败：没有生成 $pdf" >&2; exit 1; }
pdftoppm -r 60 -png "$pdf" "$outdir/$stem"
echo "已生成 PDF：$pdf"
echo "预览图："
ls "$outdir/$stem"*.png
