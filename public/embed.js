// Embed the よりそい chat on another site with one tag:
//   <script src="https://YORISOI-HOST/embed.js" defer></script>
// It adds a button that opens the chat in an iframe served by Yorisoi itself (the host site's
// scripts cannot read the conversation). Allow the site in EMBED_ALLOWED_ORIGINS.
(() => {
  const origin = new URL(document.currentScript.src).origin;
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'チャットで相談する';
  button.setAttribute('aria-expanded', 'false');
  Object.assign(button.style, {
    position: 'fixed', right: '16px', bottom: '16px', zIndex: '2147483646', padding: '12px 18px',
    borderRadius: '24px', border: 'none', background: '#1d5e8c', color: '#fff', font: 'bold 16px sans-serif', cursor: 'pointer',
  });
  const frame = document.createElement('iframe');
  frame.title = 'よりそい チャット相談';
  frame.src = `${origin}/`;
  frame.hidden = true;
  Object.assign(frame.style, {
    position: 'fixed', right: '16px', bottom: '72px', width: 'min(400px, calc(100vw - 32px))',
    height: 'min(640px, calc(100vh - 96px))', border: '1px solid #d8d4cc', borderRadius: '12px',
    zIndex: '2147483647', background: '#fff',
  });
  button.addEventListener('click', () => {
    frame.hidden = !frame.hidden;
    button.setAttribute('aria-expanded', String(!frame.hidden));
    button.textContent = frame.hidden ? 'チャットで相談する' : 'チャットを閉じる';
  });
  document.body.append(frame, button);
})();
