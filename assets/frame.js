// The page frame's accessibility, which Streamlit has no API for: the document language follows the chosen language
// and a skip link is the first thing the keyboard reaches. It reads its two values (a language code, the link's
// label) from the data attributes of the element just before it; it holds no data and is safe to run on every rerun.
// No less-than sign anywhere in this file: Streamlit's sanitiser drops a script whose text looks like markup.
(() => {
  const settings = [...document.querySelectorAll("[data-si-frame]")].pop();
  if (!settings) return;
  document.documentElement.lang = settings.dataset.lang;
  let link = document.getElementById("si-skip-link");
  if (!link) {
    link = document.createElement("a");
    link.id = "si-skip-link";
    link.className = "si-skip-link";
    link.href = "#si-main";
    // outside React's root (#root), so a rerun never removes or reorders it
    document.body.insertBefore(link, document.body.firstChild);
    link.addEventListener("click", (event) => {
      event.preventDefault(); // no #fragment in the URL: a copied link stays the page's own
      const main = document.querySelector("[data-testid=stMain]");
      if (!main) return;
      main.id = "si-main";
      main.tabIndex = -1;
      main.focus();
      main.scrollTo({ top: 0 });
    });
  }
  link.textContent = settings.dataset.skip;
})();
