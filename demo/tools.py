"Small helpers shared by the demo steps"
from proteus import Model


def get_or_create(model, key, **values):
    """Return the record of model matching key (a dict of field values),
    creating it with key and values when there is none."""
    Model_ = Model.get(model)
    domain = [(k, '=', getattr(v, 'id', v)) for k, v in key.items()]
    records = Model_.find(domain, limit=1)
    if records:
        return records[0]
    record = Model_(**key)
    for name, value in values.items():
        setattr(record, name, value)
    record.save()
    return record


def xml_id(reference):
    "Return the database id of module.fs_id"
    ModelData = Model.get('ir.model.data')
    return ModelData.get_id(reference, {})


def ref(model, reference):
    return Model.get(model)(xml_id(reference))


def sealed_copy_pdf(lines, seal):
    """Return a one-page PDF of the text lines with a red round seal
    bearing the seal text, as a scanned sealed copy would show them"""
    def text(x, y, size, value):
        "Chinese in Adobe's standard CJK font, ASCII in Helvetica"
        if value.isascii():
            escaped = value.replace('\\', '\\\\').replace(
                '(', '\\(').replace(')', '\\)')
            return f'BT /F2 {size} Tf {x} {y} Td ({escaped}) Tj ET'
        hex_ = ''.join('%04X' % ord(c) for c in value)
        return f'BT /F1 {size} Tf {x} {y} Td <{hex_}> Tj ET'
    # a circle of radius r around (cx, cy) from four Bezier curves
    cx, cy, r, k = 420, 560, 70, 70 * 0.5523
    circle = (
        f'{cx + r} {cy} m '
        f'{cx + r} {cy + k} {cx + k} {cy + r} {cx} {cy + r} c '
        f'{cx - k} {cy + r} {cx - r} {cy + k} {cx - r} {cy} c '
        f'{cx - r} {cy - k} {cx - k} {cy - r} {cx} {cy - r} c '
        f'{cx + k} {cy - r} {cx + r} {cy - k} {cx + r} {cy} c S')
    content = '\n'.join(
        [text(72, 760 - 36 * i, 18 if i else 24, line)
            for i, line in enumerate(lines)]
        + ['1 0 0 RG 1 0 0 rg 4 w', circle,
            text(cx - 8 * len(seal), cy - 8, 16, seal)]).encode('ascii')
    objects = [
        b'<< /Type /Catalog /Pages 2 0 R >>',
        b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] '
        b'/Resources << /Font << /F1 5 0 R /F2 8 0 R >> >> '
        b'/Contents 4 0 R >>',
        b'<< /Length %d >>\nstream\n%s\nendstream' % (
            len(content), content),
        b'<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light '
        b'/Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>',
        b'<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light '
        b'/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) '
        b'/Supplement 2 >> /FontDescriptor 7 0 R >>',
        b'<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 '
        b'/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 '
        b'/Descent -120 /CapHeight 880 /StemV 93 >>',
        b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica '
        b'/Encoding /WinAnsiEncoding >>',
        ]
    pdf = bytearray(b'%PDF-1.4\n')
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b'%d 0 obj\n%s\nendobj\n' % (number, body)
    xref = len(pdf)
    pdf += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objects) + 1)
    pdf += b''.join(b'%010d 00000 n \n' % o for o in offsets)
    pdf += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (
        len(objects) + 1, xref)
    return bytes(pdf)
