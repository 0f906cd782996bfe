using System.Text.Json;
using System.Text.RegularExpressions;
using Console.E2ETests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;

namespace Console.E2ETests.Accessibility;

/// <summary>
/// The console without a mouse: an operator signs in, finds the new-request form, fills it and submits; an approver
/// signs in, finds the request in their inbox and approves it; only keys are pressed. Where focus lands is read from
/// the page (as a person reads the focus outline), never clicked.
/// </summary>
public sealed partial class KeyboardOnlyTests(ConsoleApp app, Browser browser) : ConsoleTest(app, browser)
{
    private const int MaxTabs = 120;

    [Fact]
    public async Task KeyboardOnly_OperatorSubmitsASnapshotRequest_ApproverApprovesIt()
    {
        // The operator: sign-in page, then the navigation to "New request".
        var operatorPage = await SignInWithKeysAsync("operator", "/");
        await TabToAsync(operatorPage, "[data-nav=new-request]");
        await operatorPage.Keyboard.PressAsync("Enter");
        await operatorPage.WaitForURLAsync(new Regex("/requests/new$"));
        await WaitForCircuitAsync(operatorPage);
        await ExpectHeadingFocusedAsync(operatorPage, "New request", outlined: true);

        // The form: the kind stays Snapshot; the VNF is searched and picked from the list with the arrow keys.
        await TabToAsync(operatorPage, "input[data-testid=vnf], [data-testid=vnf] input");
        await operatorPage.Keyboard.TypeAsync("upf-ham-08");
        // Enter picks the highlighted (first) option: wait until the list is the search for the whole name, one option,
        // not the list of a shorter prefix still showing upf-ham-07 first (CI once picked it).
        var options = operatorPage.Locator(".mud-popover-open .mud-list-item");
        await Assertions.Expect(options).ToHaveCountAsync(1);
        await Assertions.Expect(options).ToContainTextAsync("upf-ham-08");
        await operatorPage.Keyboard.PressAsync("Enter");
        await Assertions.Expect(operatorPage.GetByTestId("components")).ToContainTextAsync("n9-uplink-classifier");
        await TabToAsync(operatorPage, "[data-testid=justification] textarea, textarea[data-testid=justification]");
        await operatorPage.Keyboard.TypeAsync("Snapshot of upf-ham-08 before the N9 classifier rules change.");
        await TabToAsync(operatorPage, "[data-testid=submit]");
        await operatorPage.Keyboard.PressAsync("Enter");
        await operatorPage.WaitForURLAsync(RequestUrl());
        await WaitForCircuitAsync(operatorPage);
        await ExpectRequestStatusAsync(operatorPage, "PendingApproval");
        var requestId = new Uri(operatorPage.Url).AbsolutePath.Split('/').Last();

        // The approver, on a slow link (what the server sends arrives late): sign-in page straight into the inbox, the
        // request's link, then Approve on its page. Until the request page is drawn the inbox stays on screen, but no key
        // reaches it: Tab and Enter pressed at once once landed on the inbox's own Approve, and the approval was lost.
        var approverPage = await SignInWithKeysAsync("approver", "/approvals", SlowLink);
        await TabToAsync(approverPage, $"[data-request='{requestId}'] [data-testid=request-link]");
        await approverPage.EvaluateAsync($"() => window.consoleLateBy = {LateByMs}");
        await approverPage.Keyboard.PressAsync("Enter");
        await approverPage.WaitForURLAsync(new Regex($"/requests/{requestId}$"));
        await approverPage.Keyboard.PressAsync("Tab");
        (await approverPage.EvaluateAsync<string?>("() => document.activeElement?.closest('[data-testid=inbox]') ? document.activeElement.outerHTML.slice(0, 120) : null"))
            .ShouldBeNull("a Tab pressed while the request page was on its way reached the inbox being left");
        await ExpectHeadingFocusedAsync(approverPage, "Snapshot of upf-ham-08", outlined: true);
        await TabToAsync(approverPage, "[data-testid=approve]");
        await approverPage.Keyboard.PressAsync("Enter");
        await ConfirmWithKeysAsync(approverPage);

        await Assertions.Expect(approverPage.GetByTestId("approve")).ToHaveCountAsync(0);
        try
        {
            await Assertions.Expect(operatorPage.GetByTestId("request-status"))
                .Not.ToHaveAttributeAsync("data-status", "PendingApproval", new() { Timeout = (float)Patience.TotalMilliseconds });
        }
        catch (PlaywrightException e)
        {
            // Did the approval not happen, or did the operator's open page miss it? A reload tells.
            var approverShows = await WhatThePageShowsAsync(approverPage);
            var approverJournal = await approverPage.GetByTestId("journal").InnerTextAsync();
            await operatorPage.ReloadAsync();
            await WaitForCircuitAsync(operatorPage);
            var afterReload = await operatorPage.GetByTestId("request-status").GetAttributeAsync("data-status");
            throw new ShouldAssertException($"The operator's page still said PendingApproval; after a reload it says {afterReload}. "
                + $"The approver's page shows: {approverShows}; its journal: {approverJournal}", e);
        }
        await Assertions.Expect(operatorPage.GetByTestId("journal")).ToContainTextAsync("Arjun Approver");
    }

    [Fact]
    public async Task KeyboardOnly_HeadingFocusAfterNavigation_IsOutlinedForKeysNotForTheMouse()
    {
        var page = await SignInAsync("auditor");

        await page.GetByTestId("nav").GetByRole(AriaRole.Link, new() { Name = "Environments" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/inventory/environments$"));
        await ExpectHeadingFocusedAsync(page, "Execution environments", outlined: false);

        await TabToAsync(page, "[data-nav=trust-domains]");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/inventory/trust-domains$"));
        await ExpectHeadingFocusedAsync(page, "Trust domains", outlined: true);
    }

    /// <summary>The sign-in page as a keyboard user meets it: the user name field has focus, Tab to the password, Enter.</summary>
    /// <param name="initScript">Run in the page before the console's own scripts (<see cref="SlowLink"/>).</param>
    private async Task<IPage> SignInWithKeysAsync(string userName, string path, string? initScript = null)
    {
        var account = TestEnvironment.Account(userName);
        var page = await NewPageAsync();
        if (initScript is not null)
            await page.AddInitScriptAsync(initScript);
        await page.GotoAsync(path);
        await page.WaitForURLAsync(new Regex("/account/login"));
        await Assertions.Expect(page.GetByLabel("User name")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(account.UserName);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(account.Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == path);
        await WaitForCircuitAsync(page);
        return page;
    }

    /// <summary>How late the slow link delivers what the server sends; without the console's guard 60 ms was enough to
    /// lose the approval in 10 of 10 runs (2026-12-04).</summary>
    private const int LateByMs = 150;

    /// <summary>
    /// A slow link, as Playwright cannot throttle a WebSocket: every message from the server (render batches, script
    /// calls) reaches the page window.consoleLateBy ms late, in order. Zero (the default) until the test sets it.
    /// </summary>
    private const string SlowLink = """
        (() => {
          const own = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
          let last = 0;
          Object.defineProperty(WebSocket.prototype, 'onmessage', {
            get() { return own.get.call(this); },
            set(handler) {
              own.set.call(this, !handler ? handler : function (message) {
                const now = performance.now();
                const due = Math.max(now + (window.consoleLateBy || 0), last);
                if (due <= now) return handler.call(this, message);
                last = due;
                setTimeout(() => handler.call(this, message), due - now);
              });
            },
          });
        })();
        """;

    /// <summary>Presses Tab until the focused element matches <paramref name="selector"/> (or lies inside a match).</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        var path = new List<string>();
        for (var i = 0; i < MaxTabs; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focus = await page.EvaluateAsync<JsonElement>("""
                s => {
                  const a = document.activeElement;
                  const reached = !!a && (a.matches(s) || !!a.closest(s) || [...document.querySelectorAll(s)].some(m => m.contains(a)));
                  const what = a ? a.tagName.toLowerCase() + (a.getAttribute('data-testid') ? '#' + a.getAttribute('data-testid') : '')
                    + ' "' + (a.getAttribute('aria-label') || a.textContent || '').trim().slice(0, 30) + '"' : 'nothing';
                  return { reached, what };
                }
                """, selector);
            if (focus.GetProperty("reached").GetBoolean())
                return;
            path.Add(focus.GetProperty("what").GetString() ?? "");
        }

        throw new ShouldAssertException($"{MaxTabs} presses of Tab never reached {selector}; focus went through:\n  " + string.Join("\n  ", path));
    }

    /// <summary>
    /// Approving asks to confirm in a dialog naming the content digest: the person checks it is the digest the page
    /// showed, then Tabs to the dialog's Approve and presses Enter.
    /// </summary>
    private static async Task ConfirmWithKeysAsync(IPage page)
    {
        await ExpectConfirmationOfTheShownDigestAsync(page);
        await TabToAsync(page, "[data-testid=approve-confirm]");
        await page.Keyboard.PressAsync("Enter");
    }

    /// <summary>After navigation the page's heading has focus; its outline shows only when a key moved focus.</summary>
    private static async Task ExpectHeadingFocusedAsync(IPage page, string heading, bool outlined)
    {
        var h1 = page.Locator("h1").First;
        await Assertions.Expect(h1).ToHaveTextAsync(heading);
        await Assertions.Expect(h1).ToBeFocusedAsync();
        var outline = await h1.EvaluateAsync<string>("h => getComputedStyle(h).outlineStyle");
        if (outlined)
            outline.ShouldNotBe("none", $"the heading {heading}, focused by keyboard navigation, shows no outline");
        else
            outline.ShouldBe("none", $"the heading {heading}, focused after a mouse click, shows an outline");
    }

    [GeneratedRegex("/requests/[0-9a-f-]{36}$")]
    private static partial Regex RequestUrl();
}
