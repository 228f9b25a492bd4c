/* reportgen reader features: citation previews and claim permalinks.
 * Progressive enhancement only: without this script every marker is still a
 * plain link to its reference (with a native title tooltip) and every claim
 * anchor still works. Loads nothing from anywhere. */
(function () {
  "use strict";

  var tip = null;
  var owner = null;
  var status = null;

  function reference(marker) {
    var id = (marker.getAttribute("href") || "").slice(1);
    return id ? document.getElementById(id) : null;
  }

  function ensureTip() {
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "citation-preview";
      tip.className = "citation-preview";
      tip.setAttribute("role", "tooltip");
      tip.hidden = true;
      document.body.appendChild(tip);
    }
    return tip;
  }

  function show(marker) {
    var ref = reference(marker);
    if (!ref) return;
    var box = ensureTip();
    var copy = ref.cloneNode(true);
    copy.removeAttribute("id");
    Array.prototype.forEach.call(copy.querySelectorAll(".backlinks, [id]"), function (el) {
      if (el.classList.contains("backlinks")) el.remove(); else el.removeAttribute("id");
    });
    box.replaceChildren();
    var label = document.createElement("strong");
    label.textContent = marker.textContent + " ";
    box.appendChild(label);
    while (copy.firstChild) box.appendChild(copy.firstChild);
    box.hidden = false;
    var rect = marker.getBoundingClientRect();
    var top = window.scrollY + rect.bottom + 6;
    var left = Math.max(8, Math.min(window.scrollX + rect.left, window.scrollX + document.documentElement.clientWidth - box.offsetWidth - 8));
    box.style.top = top + "px";
    box.style.left = left + "px";
    marker.setAttribute("aria-describedby", box.id);
    owner = marker;
  }

  function hide() {
    if (tip) tip.hidden = true;
    if (owner) owner.removeAttribute("aria-describedby");
    owner = null;
  }

  function announce(text) {
    if (!status) {
      status = document.createElement("div");
      status.className = "reportgen-status";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      document.body.appendChild(status);
    }
    status.textContent = text;
    window.setTimeout(function () { status.textContent = ""; }, 2500);
  }

  function init() {
    // Material's search dialog ships without an accessible name.
    var search = document.querySelector('.md-search[role="dialog"]');
    if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Search");
    var markers = document.querySelectorAll("a.citation");
    Array.prototype.forEach.call(markers, function (marker) {
      if (marker.title) {
        marker.dataset.preview = marker.title;
        marker.removeAttribute("title");
      }
      marker.addEventListener("mouseenter", function () { show(marker); });
      marker.addEventListener("mouseleave", hide);
      marker.addEventListener("focus", function () { show(marker); });
      marker.addEventListener("blur", hide);
      marker.addEventListener("touchend", function (event) {
        // First tap previews; a second tap on the same marker follows the link.
        if (owner !== marker) {
          event.preventDefault();
          show(marker);
        }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") hide();
    });
    Array.prototype.forEach.call(document.querySelectorAll("a.claim-link"), function (link) {
      link.addEventListener("click", function () {
        var url = new URL(link.getAttribute("href"), window.location.href).href;
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(url).then(
            function () { announce("Link copied: " + url); },
            function () { announce("Link: " + url); }
          );
        } else {
          announce("Link: " + url);
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/* "Cite this brief": copy the formatted citation (a real <button>, so Enter and
 * Space work), and complete it with the page's address when the site has no
 * site_url to build it from. */
(function () {
  "use strict";

  function pageAddress() {
    var canonical = document.querySelector("link[rel=canonical]");
    var url = canonical ? canonical.href : location.href;
    return url.split("#")[0];
  }

  document.querySelectorAll("[data-cite-url]").forEach(function (slot) {
    if (!slot.textContent) slot.textContent = " " + pageAddress();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".cite-status");
    if (!source) return;
    var text = source.textContent.replace(/\s+/g, " ").trim();
    var done = function (message) { if (status) status.textContent = message; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(
        function () { done("Copied."); },
        function () { done("Select the citation above and copy it."); }
      );
    } else {
      done("Select the citation above and copy it.");
    }
  });
})();

/* A theme's single-scheme palette toggle is an aria-hidden radio that the Tab key
 * still reaches: a keyboard user would land on something screen readers are told
 * does not exist. Take it out of the tab order. */
(function () {
  "use strict";
  document.querySelectorAll('input.md-option[aria-hidden="true"]').forEach(function (input) {
    input.tabIndex = -1;
  });
})();
