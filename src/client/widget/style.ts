// The launcher's and panel's styles, inside the widget's shadow root (host page CSS
// cannot reach in). Phones get a full-screen panel; the launcher hides while it is open
// there, since the chat's own header has a close button.
export const WIDGET_CSS = `
:host{all:initial!important;display:block!important}
.wrap{position:fixed;z-index:2147483000;bottom:20px;right:20px;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;visibility:hidden}
.wrap.left{right:auto;left:20px}
.wrap.ready{visibility:visible}
.launcher{position:relative;display:grid;place-items:center;width:60px;height:60px;margin:0;padding:0;border:0;border-radius:50%;
 background:var(--hf-accent);color:var(--hf-on-accent);cursor:pointer;box-shadow:0 6px 20px rgba(15,23,42,.22),0 2px 6px rgba(15,23,42,.12);
 transition:transform .18s ease,box-shadow .18s ease;-webkit-tap-highlight-color:transparent}
.launcher:hover{transform:scale(1.06);box-shadow:0 10px 28px rgba(15,23,42,.26)}
.launcher:focus-visible{outline:3px solid var(--hf-accent);outline-offset:3px}
.launcher svg{position:absolute;width:28px;height:28px;fill:currentColor;transition:transform .2s ease,opacity .2s ease}
.i-close{opacity:0;transform:rotate(-90deg) scale(.6)}
.open .i-open{opacity:0;transform:rotate(90deg) scale(.6)}
.open .i-close{opacity:1;transform:none}
.badge{position:absolute;top:-3px;right:-3px;min-width:20px;height:20px;padding:0 6px;box-sizing:border-box;border-radius:10px;
 background:#ef4444;color:#fff;font-size:12px;font-weight:700;line-height:20px;text-align:center;box-shadow:0 0 0 2px #fff}
.badge[hidden]{display:none}
.left .badge{right:auto;left:-3px}
.dot{position:absolute;bottom:1px;right:1px;width:14px;height:14px;box-sizing:border-box;border-radius:50%;background:#22c55e;
 box-shadow:0 0 0 2px #fff;opacity:0;transform:scale(.5);transition:opacity .2s ease,transform .2s ease}
.online .dot{opacity:1;transform:none}
.open .dot{opacity:0}
.panel{position:absolute;bottom:76px;right:0;width:380px;height:min(640px,calc(100vh - 110px));border-radius:16px;overflow:hidden;
 background:#fff;box-shadow:0 16px 48px rgba(15,23,42,.22),0 2px 8px rgba(15,23,42,.08);
 opacity:0;transform:translateY(12px) scale(.98);transform-origin:bottom right;pointer-events:none;visibility:hidden;
 transition:opacity .2s ease,transform .2s ease,visibility 0s linear .2s}
.left .panel{right:auto;left:0;transform-origin:bottom left}
.open .panel{opacity:1;transform:none;pointer-events:auto;visibility:visible;transition:opacity .2s ease,transform .2s ease}
iframe{display:block;width:100%;height:100%;border:0;background:#fff}
@media (max-width:480px){
 .panel{position:fixed;inset:0;width:100%;height:100%;border-radius:0}
 .open .launcher{display:none}
}
@media (prefers-reduced-motion:reduce){.launcher,.launcher svg,.panel,.dot{transition:none}}
`;
