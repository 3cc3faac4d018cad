# Issue 20, item 1: where in the page do the snippets storydiff misses or leaks sit? Reads `storydiff ingest`
# output and html_dev; prints counts by innermost element, containers and class/id words. Usage:
#   python3 scripts/html_failure_kinds.py ../shared/data/html_dev/expect.json OUT.jsonl ../shared/data/html_dev/pages
import json, os, re, sys, unicodedata, collections
from html.parser import HTMLParser
def norm(t): return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", t)).strip()
VOID={'br','img','hr','meta','link','input','source','wbr','area','col','embed','param','track'}
class P(HTMLParser):
    def __init__(s):
        super().__init__(convert_charrefs=True); s.stack=[]; s.nodes=[]
    def handle_starttag(s,tag,attrs):
        if tag in VOID: return
        a=dict(attrs); s.stack.append((tag,(a.get('class') or '')+' '+(a.get('id') or '')))
    def handle_endtag(s,tag):
        for i in range(len(s.stack)-1,-1,-1):
            if s.stack[i][0]==tag: del s.stack[i:]; break
    def handle_data(s,d):
        if d.strip(): s.nodes.append((norm(d), list(s.stack)))
KEYS=['nav','menu','footer','header','sidebar','related','comment','share','social','newsletter','subscribe','caption','breadcrumb','widget','tag','author','byline','cookie','promo','ad','teaser','more','recommend']
def kind(stack):
    tags=[t for t,_ in stack]; attrs=' '.join(c for _,c in stack).lower()
    k=[]
    for t in ['script','noscript','template','figcaption','figure','li','td','th','h1','h2','h3','h4','h5','h6','blockquote','aside','nav','footer','header','article','main','table','dl','pre','form','a','label','button','time','span','strong','em','b','i','p','div','section']:
        if t in tags: k.append(t); 
    inner=tags[-1] if tags else '?'
    hits=[w for w in KEYS if re.search(r'(^|[^a-z])'+w, attrs)]
    return inner, [t for t in ['aside','nav','footer','header','article','main','figure','li','td','h1','h2','h3','h4','blockquote','form','script','noscript'] if t in tags], hits[:3]
expect=json.load(open(sys.argv[1])); out={}
for l in open(sys.argv[2]):
    r=json.loads(l); out[os.path.basename(r['source'])]=norm(r.get('body',''))
pages=sys.argv[3]
miss=collections.Counter(); leak=collections.Counter(); missk=collections.Counter(); leakk=collections.Counter(); notfound=[0,0]
examples=collections.defaultdict(list)
for page,exp in sorted(expect.items()):
    text=out.get(page,'')
    raw=open(os.path.join(pages,page),encoding='utf-8',errors='replace').read()
    p=P()
    try: p.feed(raw)
    except Exception: pass
    for which,snips in (('miss',[x for x in exp.get('with',[]) if norm(x) not in text]),('leak',[x for x in exp.get('without',[]) if norm(x) in text])):
        for sn in snips:
            n=norm(sn); probe=n[:40]
            found=[st for t,st in p.nodes if probe and probe[:25] in t]
            if not found:
                notfound[which=='leak']+=1; (miss if which=='miss' else leak)['(not in one text node)']+=1; continue
            inner,cont,hits=kind(found[0])
            key=inner+' in '+('/'.join(cont) or '-')
            (miss if which=='miss' else leak)[key]+=1
            for h in hits or ['-']: (missk if which=='miss' else leakk)[h]+=1
            examples[which+':'+key].append((page,n[:70]))
print('MISSED by innermost element / containers'); [print(f'  {v:3d} {k}') for k,v in miss.most_common(25)]
print('MISSED by class/id keyword'); [print(f'  {v:3d} {k}') for k,v in missk.most_common(15)]
print('LEAKED by innermost element / containers'); [print(f'  {v:3d} {k}') for k,v in leak.most_common(25)]
print('LEAKED by class/id keyword'); [print(f'  {v:3d} {k}') for k,v in leakk.most_common(15)]
json.dump(examples, open(os.environ.get('EXAMPLES', '/dev/null'),'w'), indent=1)
