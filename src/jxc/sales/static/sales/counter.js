/* The counter sale (门店收银): a checkout for a keyboard and a barcode scanner. No framework.
 *
 * The scan field keeps the focus: whatever the cashier does, it comes back there. Enter adds the scanned or typed
 * barcode / SKU (again: one more of it); typing a name shows suggestions, ↑ ↓ choose, Enter adds. With the scan
 * field empty, + and − change the last item's quantity. F2 edits that quantity, F3 the customer, F4 the price
 * level; F5 cash (then type the cash given), F6 WeChat Pay, F7 Alipay, F8 bank card; F9 or Ctrl+Enter pays;
 * Esc goes back to the scan field. The cart is the form's rows (lines-N-…), so a refused payment keeps it all.
 */
(function () {
  "use strict";

  var form = document.getElementById("counter-form");
  if (!form) return;
  var scan = document.getElementById("counter-scan");
  var scanError = document.getElementById("counter-scan-error");
  var body = document.getElementById("cart-rows");
  var totalForms = document.getElementById("id_lines-TOTAL_FORMS");
  var method = document.getElementById("id_payment_method");
  var cashBox = document.getElementById("counter-cash");
  var cash = document.getElementById("id_cash_given");
  var level = document.getElementById("id_price_level");
  var warehouse = document.getElementById("id_warehouse");
  var customerId = document.getElementById("id_customer");
  var customerInput = document.getElementById("counter-customer");
  var totalOut = document.getElementById("counter-total");
  var changeBox = document.querySelector(".counter-change");
  var changeOut = document.getElementById("counter-change");
  var changeLabel = changeBox.querySelector("span");
  var payButton = document.getElementById("counter-pay");
  var methodKeys = {};
  Array.prototype.forEach.call(form.querySelectorAll(".pay-method"), function (button) {
    methodKeys[button.getAttribute("data-key")] = button.getAttribute("data-method");
  });
  var changeText = changeLabel.textContent;
  var customerName = customerInput.value;
  var queue = Promise.resolve(); // lookups run one after the other: two quick scans of one item make quantity 2
  var current = null; // the row +, − and F2 act on: the last one added or touched
  var paying = false;

  // Numbers: money is added up in cents, rounded half up like the server does.

  function number(text) {
    var value = parseFloat(String(text || "").replace(/,/g, ""));
    return isFinite(value) ? value : 0;
  }

  function money(cents) {
    var text = (Math.abs(cents) / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (cents < 0 ? "-" : "") + text;
  }

  function plus(value, delta) {
    return String(parseFloat((number(value) + delta).toFixed(6)));
  }

  // The cart

  function rows() {
    return Array.prototype.slice.call(body.querySelectorAll("tr.cart-row"));
  }

  function field(row, name) {
    return row.querySelector("[data-cart='" + name + "']");
  }

  function recalc() {
    var sum = 0;
    rows().forEach(function (row) {
      var gross = number(field(row, "quantity").value) * number(field(row, "price").value);
      var cents = Math.round(gross * (100 - number(field(row, "discount_pct").value)) + 1e-6);
      row.querySelector("[data-line-total]").textContent = money(cents);
      sum += cents;
    });
    totalOut.textContent = money(sum);
    var given = cash.value.trim() === "" ? sum : Math.round(number(cash.value) * 100 + 1e-6);
    var change = given - sum;
    changeOut.textContent = money(Math.abs(change));
    changeLabel.textContent = change < 0 ? form.getAttribute("data-msg-short") : changeText;
    changeBox.classList.toggle("is-short", change < 0);
  }

  function renumber() {
    rows().forEach(function (row, i) {
      Array.prototype.forEach.call(row.querySelectorAll("input"), function (input) {
        ["name", "id"].forEach(function (attribute) {
          var value = input.getAttribute(attribute);
          if (value) input.setAttribute(attribute, value.replace(/lines-\d+-/, "lines-" + i + "-"));
        });
      });
    });
    totalForms.value = String(rows().length);
  }

  function setCurrent(row, flash) {
    rows().forEach(function (r) { r.classList.toggle("is-current", r === row); });
    current = row;
    if (row && flash) {
      row.classList.add("is-flash");
      window.setTimeout(function () { row.classList.remove("is-flash"); }, 500);
    }
  }

  function currentRow() {
    if (current && current.parentNode === body) return current;
    var all = rows();
    return all.length ? all[all.length - 1] : null;
  }

  function removeRow(row) {
    row.parentNode.removeChild(row);
    renumber();
    setCurrent(currentRow(), false);
    recalc();
  }

  function bump(delta) {
    var row = currentRow();
    if (!row) return;
    var quantity = field(row, "quantity");
    var next = plus(quantity.value, delta);
    if (number(next) <= 0) {
      removeRow(row);
      return;
    }
    quantity.value = next;
    setCurrent(row, true);
    recalc();
  }

  function focusScan() {
    scan.focus();
  }

  function refuse(message, code) {
    scanError.textContent = message;
    if (code && scan.value === "") {
      scan.value = code; // typing or scanning again replaces it
    }
    scan.select();
  }

  function lookup(params) {
    params.customer = customerId.value;
    params.level = level.value;
    params.index = String(rows().length);
    var url = form.getAttribute("data-lookup-url") + "?" + new URLSearchParams(params).toString();
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    });
  }

  function add(params, code) {
    queue = queue.then(function () {
      return lookup(params).then(
        function (result) {
          if (!result.ok) {
            refuse(result.data.message || form.getAttribute("data-msg-network"), code);
            return;
          }
          var data = result.data;
          var row = rows().filter(function (r) {
            return r.getAttribute("data-product") === String(data.product_id) && r.getAttribute("data-unit") === String(data.unit_id);
          })[0];
          if (row) {
            field(row, "quantity").value = plus(field(row, "quantity").value, 1);
          } else {
            body.insertAdjacentHTML("beforeend", data.html);
            row = body.lastElementChild;
            row.setAttribute("data-auto-price", "1");
            renumber();
          }
          scanError.textContent = "";
          setCurrent(row, true);
          recalc();
        },
        function () { refuse(form.getAttribute("data-msg-network"), code); }
      );
    });
    return queue;
  }

  // Prices follow the customer and the price level, except those the cashier typed.
  function reprice() {
    rows().forEach(function (row) {
      if (row.getAttribute("data-auto-price") !== "1") return;
      queue = queue.then(function () {
        return lookup({ product: row.getAttribute("data-product"), unit: row.getAttribute("data-unit") }).then(
          function (result) {
            if (result.ok) field(row, "price").value = result.data.price;
            recalc();
          },
          function () {}
        );
      });
    });
  }

  // Suggestions under a field: ↑ ↓ move, Enter (handled by the field) takes the chosen one.

  function suggestions(input, box, kind, pick) {
    var timer = null;
    var seq = 0;
    function options() { return Array.prototype.slice.call(box.querySelectorAll("[role=option]")); }
    function selected() { return box.querySelector("[aria-selected=true]"); }
    function close() {
      window.clearTimeout(timer);
      seq += 1;
      box.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function move(step) {
      var list = options();
      if (!list.length) return false;
      var i = list.indexOf(selected());
      if (i >= 0) list[i].setAttribute("aria-selected", "false");
      i = i < 0 ? (step > 0 ? 0 : list.length - 1) : (i + step + list.length) % list.length;
      list[i].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", list[i].id);
      list[i].scrollIntoView({ block: "nearest" });
      return true;
    }
    function load() {
      var q = input.value.trim();
      seq += 1;
      var mine = seq;
      if (!q) {
        close();
        return;
      }
      var url = form.getAttribute("data-suggest-url") + "?" + new URLSearchParams({ q: q, kind: kind }).toString();
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (mine !== seq) return; // typed on, or Enter pressed, meanwhile
          box.innerHTML = html;
          input.setAttribute("aria-expanded", options().length ? "true" : "false");
        })
        .catch(function () {});
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, 180);
    });
    box.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[role=option]");
      if (!option) return;
      event.preventDefault();
      close();
      pick(option);
    });
    return { close: close, move: move, selected: selected, open: function () { return box.innerHTML !== ""; } };
  }

  var products = suggestions(scan, document.getElementById("counter-suggest"), "product", function (option) {
    scan.value = "";
    add({ product: option.getAttribute("data-id"), unit: option.getAttribute("data-unit") });
    focusScan();
  });

  function setCustomer(id, name) {
    var changed = customerId.value !== id;
    customerId.value = id;
    customerName = name;
    customerInput.value = name;
    if (changed) reprice();
  }

  var customers = suggestions(customerInput, document.getElementById("counter-customer-suggest"), "customer", function (option) {
    setCustomer(option.getAttribute("data-id"), option.getAttribute("data-name"));
    focusScan();
  });

  // Payment

  function choose(value, quiet) {
    method.value = value;
    Array.prototype.forEach.call(form.querySelectorAll(".pay-method"), function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-method") === value ? "true" : "false");
    });
    var isCash = value === "cash";
    cashBox.classList.toggle("hidden", !isCash);
    cash.disabled = !isCash;
    recalc();
    if (quiet) return;
    if (isCash) {
      cash.focus();
      cash.select();
    } else {
      focusScan();
    }
  }

  function pay() {
    if (paying) return;
    renumber();
    recalc();
    form.requestSubmit();
  }

  form.addEventListener("submit", function (event) {
    if (paying) {
      event.preventDefault(); // one sale per press, however often F9 is hit
      return;
    }
    paying = true;
    payButton.setAttribute("aria-disabled", "true");
  });

  window.addEventListener("pageshow", function () {
    paying = false;
    payButton.removeAttribute("aria-disabled");
  });

  // Keys

  scan.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (products.move(event.key === "ArrowDown" ? 1 : -1)) event.preventDefault();
      return;
    }
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
      event.preventDefault(); // never submits the form: a scanner ends every code with Enter
      var chosen = products.selected();
      var code = scan.value.trim();
      products.close();
      scan.value = "";
      if (chosen) {
        add({ product: chosen.getAttribute("data-id"), unit: chosen.getAttribute("data-unit") });
      } else if (code) {
        add({ code: code }, code);
      }
      return;
    }
    if ((event.key === "+" || event.key === "-") && scan.value === "") {
      event.preventDefault();
      bump(event.key === "+" ? 1 : -1);
    }
  });

  customerInput.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (customers.move(event.key === "ArrowDown" ? 1 : -1)) event.preventDefault();
      return;
    }
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      var chosen = customers.selected() || document.querySelector("#counter-customer-suggest [role=option]");
      customers.close();
      if (customerInput.value.trim() === "") {
        setCustomer("", ""); // the walk-in customer
      } else if (chosen && customerInput.value !== customerName) {
        setCustomer(chosen.getAttribute("data-id"), chosen.getAttribute("data-name"));
      } else {
        customerInput.value = customerName;
      }
      focusScan();
    }
  });

  customerInput.addEventListener("blur", function () {
    window.setTimeout(function () {
      if (document.activeElement === customerInput) return;
      customers.close();
      if (customerInput.value.trim() === "" && customerId.value) setCustomer("", "");
      else customerInput.value = customerName;
    }, 150);
  });

  body.addEventListener("keydown", function (event) {
    var input = event.target.closest("[data-cart]");
    if (!input) return;
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      recalc();
      focusScan();
    } else if (input.getAttribute("data-cart") === "quantity" && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      input.value = plus(input.value, event.key === "ArrowUp" ? 1 : -1);
      recalc();
    }
  });

  body.addEventListener("input", function (event) {
    var input = event.target.closest("[data-cart]");
    if (!input) return;
    var row = input.closest("tr");
    if (input.getAttribute("data-cart") === "price") row.removeAttribute("data-auto-price");
    recalc();
  });

  body.addEventListener("focusin", function (event) {
    var row = event.target.closest("tr.cart-row");
    if (row) setCurrent(row, false);
  });

  body.addEventListener("click", function (event) {
    var remove = event.target.closest("[data-cart-remove]");
    if (!remove) return;
    event.preventDefault();
    removeRow(remove.closest("tr"));
    focusScan();
  });

  form.addEventListener("click", function (event) {
    var button = event.target.closest(".pay-method");
    if (button) choose(button.getAttribute("data-method"));
  });

  cash.addEventListener("input", recalc);
  cash.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      pay();
    }
  });

  level.addEventListener("change", reprice);
  [level, warehouse].forEach(function (select) {
    select.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        focusScan();
      }
    });
  });

  function edit(name) {
    var row = currentRow();
    if (!row) return;
    setCurrent(row, false);
    field(row, name).focus();
    field(row, name).select();
  }

  document.addEventListener(
    "keydown",
    function (event) {
      var key = event.key;
      if (key === "F9" || (key === "Enter" && (event.ctrlKey || event.metaKey))) {
        event.preventDefault();
        pay();
      } else if (methodKeys[key]) {
        event.preventDefault();
        choose(methodKeys[key]);
      } else if (key === "F2") {
        event.preventDefault();
        edit("quantity");
      } else if (key === "F3") {
        event.preventDefault();
        customerInput.focus();
        customerInput.select();
      } else if (key === "F4") {
        event.preventDefault();
        level.focus();
      } else if (key === "Escape" && form.contains(event.target)) {
        event.preventDefault();
        if (event.target === scan) {
          if (products.open()) products.close();
          else scan.value = "";
        } else if (event.target === customerInput) {
          customers.close();
          customerInput.value = customerName;
        }
        focusScan();
      }
    },
    true
  );

  // Whatever takes the focus away without giving it to another field (a click on the page, a removed row, a
  // closed dialog), the scan field gets it back.
  function keepFocus() {
    window.setTimeout(function () {
      var active = document.activeElement;
      if (!active || active === document.body || active === document.documentElement) focusScan();
    }, 0);
  }
  document.addEventListener("focusout", keepFocus);
  window.addEventListener("focus", keepFocus);

  choose(method.value || "cash", true);
  setCurrent(currentRow(), false);
  recalc();
  focusScan();
})();
