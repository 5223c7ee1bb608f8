// The reveal form (templates/incentives/personal/field.html): its answers
// for a blank reason (400) and a refusal (403) are partials too, which
// htmx would otherwise not swap in. Loaded once per field; listens once.
if (!window.incentivesPersonal) {
  window.incentivesPersonal = true;
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    const target = event.detail.target;
    if ((status === 400 || status === 403) && target && target.classList.contains("personal-field")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
}
