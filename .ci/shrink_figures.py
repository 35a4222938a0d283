#!/usr/bin/env python3
"Store a notebook's figures at the size a docs page needs: at most `max_w` pixels wide, 256-colour palette PNGs"
import json, sys, base64, io
from PIL import Image
max_w = 1100
def shrink(b):
    im = Image.open(io.BytesIO(b)); im.load()
    if im.mode == 'RGBA':
        bg = Image.new('RGB', im.size, 'white'); bg.paste(im, mask=im.split()[-1]); im = bg
    else: im = im.convert('RGB')
    if im.width > max_w: im = im.resize((max_w, round(im.height*max_w/im.width)), Image.LANCZOS)
    q = im.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO(); q.save(out, 'PNG', optimize=True)
    return out.getvalue()
for f in sys.argv[1:]:
    raw = open(f).read(); nb = json.loads(raw); before = after = 0
    for c in nb['cells']:
        for o in c.get('outputs', []):
            d = o.get('data', {})
            if 'image/png' in d:
                b = base64.b64decode(''.join(d['image/png'])); s = shrink(b)
                if len(s) < len(b):
                    d['image/png'] = base64.b64encode(s).decode()
                    md = o.setdefault('metadata', {}); md.pop('image/png', None)  # the retina size hint no longer applies
                    before += len(b); after += len(s)
                else: before += len(b); after += len(b)
    if before: 
        json.dump(nb, open(f, 'w'), indent=1, ensure_ascii=False); open(f, 'a').write('\n')
        print(f"{f}: figures {before//1000} kB -> {after//1000} kB")
