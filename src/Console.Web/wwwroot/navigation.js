// In-app navigation (interactive routing) leaves the old page on screen until the server has drawn the next one. In that
// moment a key could still reach the old page: a keyboard user's Tab and Enter once landed on the approval inbox's
// Approve while the request page was on its way, and nothing happened and nothing said so. So the old page goes inert
// (no focus, no presses) and busy from the link's click until the server says the new page is drawn (ArrivalFocus.razor),
// or after five seconds should that never come.
window.consoleNavigation = (() => {
  let held = null;
  let timer = 0;
  let leaving = '';

  function release() {
    clearTimeout(timer);
    if (!held) return;
    held.inert = false;
    held.removeAttribute('aria-busy');
    held = null;
  }

  window.addEventListener('click', () => { leaving = location.pathname; }, true);
  // After Blazor's own listener (on the document): it prevents the default of the links it navigates to itself.
  window.addEventListener('click', e => {
    const link = e.target instanceof Element ? e.target.closest('a[href]') : null;
    if (!link || !e.defaultPrevented || link.target || link.hasAttribute('download') || held) return;
    const to = new URL(link.href, document.baseURI);
    const main = document.querySelector('.mud-main-content');
    if (to.origin !== location.origin || to.pathname === leaving || !main) return;
    held = main;
    main.inert = true;
    main.setAttribute('aria-busy', 'true');
    timer = setTimeout(release, 5000);
  });

  return {
    /** The new page is drawn: the page is live again, and its heading takes focus when the page changed. */
    arrived(selector) {
      release();
      const heading = selector ? document.querySelector(selector) : null;
      if (!heading) return;
      // A heading is not focusable by itself; -1 lets a script focus it without adding it to the Tab order.
      if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
      heading.focus();
    },
  };
})();
