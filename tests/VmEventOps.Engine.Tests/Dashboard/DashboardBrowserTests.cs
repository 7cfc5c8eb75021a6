using System.Net;
using System.Text;
using OpenQA.Selenium;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Tests.Infrastructure;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser (Debian's headless chromium) against the local server over Azurite and the ARM
/// emulator: each view shows the demo's data, a poison message re-queued from the UI is onboarded, a payload of HTML and
/// script stays text, and the API refuses whoever lacks the access token. Screenshots go to out/dashboard.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardBrowserTests(DashboardSite site) : IClassFixture<DashboardSite>
{
    private IWebDriver Driver => site.Driver;

    private IWebElement View(string name) => Driver.Until(d => d.FindElements(By.CssSelector($"#view-{name}[aria-busy=false]")).FirstOrDefault(), $"the {name} view");

    [Fact]
    public void HealthView_ShouldShowTheFourQueuesTheRecordsByStateAndTheOutcomesChart()
    {
        site.Open("#/health");
        var view = View("health");

        var cards = view.FindElements(By.CssSelector("#queues .card"));
        Assert.Equal(["Main", "Retry", "Succeeded", "Poison"], cards.Select(c => c.GetAttribute("data-queue")));
        var poison = cards.Single(c => c.GetAttribute("data-queue") == "Poison");
        Assert.Contains("unhealthy", poison.GetAttribute("class"));
        Assert.Contains("threshold: 0", poison.Text);
        Assert.NotEmpty(view.FindElements(By.CssSelector("#outcomes svg rect")));
        Assert.Contains("Succeeded: 2", view.FindElement(By.CssSelector("#outcomes figcaption")).Text);
        Assert.Matches(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", view.FindElement(By.TagName("time")).Text);
        Driver.Screenshot("health");
    }

    [Fact]
    public void VmsView_ShouldListTheRecordsAndFilterThemByState()
    {
        site.Open("#/vms");
        var view = View("vms");
        Assert.Contains("vm-demo-01", view.Text);
        Assert.Contains("vm-demo-02", view.Text);
        Driver.Screenshot("vms");

        view.FindElement(By.CssSelector("#filter-state option[value=Succeeded]")).Click();
        view.FindElement(By.Id("filter-text")).SendKeys("DEMO-02");
        view.FindElement(By.Id("filter-apply")).Click();
        Driver.Until(d => d.Url.Contains("state=Succeeded", StringComparison.Ordinal), "the filter in the URL");
        var filtered = View("vms");

        var row = Assert.Single(filtered.FindElements(By.CssSelector("tbody tr")));
        Assert.Contains("vm-demo-02", row.Text);
        Assert.Contains("Succeeded", row.Text);
        Assert.Equal("1–1 of 1", filtered.FindElement(By.Id("page-info")).Text);
    }

    [Fact]
    public void VmView_ShouldShowTheTrailAsATimelineWithTheTraceLink()
    {
        site.Open("#/vm?id=" + Uri.EscapeDataString(site.Vm1));
        var view = View("vm");

        Assert.Equal("vm-demo-01", view.FindElement(By.Id("vm-name")).Text);
        var entries = view.FindElements(By.CssSelector("#timeline > li"));
        Assert.True(entries.Count >= 2, Browser.Text(Driver));
        Assert.Contains(entries, e => e.Text.Contains("Succeeded", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Text.Contains("SucceededQueue", StringComparison.Ordinal));
        var job = view.FindElement(By.Id("job"));
        Assert.Contains("Completed", job.Text);
        Assert.Contains("Onboard-Vm", job.Text);
        var trace = view.FindElement(By.CssSelector("dl.facts a[href^='https://portal.example/transaction/']"));
        Assert.Matches("^[0-9a-f]{32}$", trace.Text);
        Driver.Screenshot("vm");
    }

    [Fact]
    public async Task FixView_RequeueOfAPoisonMessageFromTheUi_ShouldGetTheVmOnboarded()
    {
        site.Open("#/fix");
        var view = View("fix");
        var row = Driver.Until(_ => view.FindElements(By.CssSelector("tbody tr")).FirstOrDefault(r => r.Text.Contains("vm-demo-03", StringComparison.Ordinal)), "vm-demo-03's poison message");
        Assert.Contains("database", row.FindElement(By.CssSelector("td.reason")).Text, StringComparison.OrdinalIgnoreCase);
        row.FindElement(By.CssSelector("input[type=checkbox]")).Click();
        Driver.Screenshot("fix");

        // Its database is up now; the admin re-queues the message, confirms, and sees the result.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={site.DatabaseOf("vm-demo-03")};Pooling=False"))
        {
            await connection.OpenAsync();
        }

        view.FindElement(By.Id("requeue")).Click();
        Driver.Until(d => d.FindElement(By.Id("confirm")).GetAttribute("open") is not null, "the confirmation");
        Assert.Contains("Re-queue 1 poison message", Driver.FindElement(By.Id("confirm-text")).Text);
        Driver.FindElement(By.Id("confirm-ok")).Click();
        var result = Driver.Until(d => d.FindElements(By.CssSelector("#requeue-result .result")).FirstOrDefault(), "the re-queue's result");
        Assert.Contains("re-queued as", result.Text);
        Assert.False(row.FindElement(By.CssSelector("input[type=checkbox]")).Enabled);
        Driver.Screenshot("fix-requeued");

        await site.DrainAsync();

        var record = await VmEventEngine.For(site.Options).State().GetAsync(VmResourceId.Parse(site.Vm3), CancellationToken.None);
        Assert.Equal(OnboardingStatus.Succeeded, record!.State);
        site.Open("#/vm?id=" + Uri.EscapeDataString(site.Vm3));
        Assert.Contains("Succeeded", View("vm").FindElement(By.CssSelector("dl.facts")).Text);
    }

    [Fact]
    public void FixView_HtmlAndScriptInAPoisonMessage_ShouldStayText()
    {
        site.Open("#/fix");
        var view = View("fix");
        var row = Driver.Until(_ => view.FindElements(By.CssSelector($"tbody tr[data-message-id='{site.XssMessageId}']")).FirstOrDefault(), "the forged message");

        Assert.Equal(DashboardSite.Image, row.FindElement(By.CssSelector("td.reason")).Text);
        row.FindElement(By.TagName("summary")).Click();
        Assert.Contains(DashboardSite.Script, row.Text);
        Assert.Empty(Driver.FindElements(By.CssSelector("main img, main script")));
        Assert.Equal("undefined", ((IJavaScriptExecutor)Driver).ExecuteScript("return typeof window.__xss"));
        Driver.Screenshot("fix-hostile-text");
    }

    [Fact]
    public void FixView_ShouldShowTheComplianceOfTheVmsInScope()
    {
        site.Open("#/fix");
        var view = View("fix");

        var compliance = Driver.Until(_ => view.FindElements(By.CssSelector("#compliance .cards .card")).Count > 0 ? view.FindElement(By.Id("compliance")) : null, "the compliance summary");

        Assert.Contains("Onboarded", compliance.Text);
        Assert.Contains("/resourceGroups/rg-app", compliance.Text);
        Assert.Empty(compliance.FindElements(By.CssSelector(".error")));
    }

    [Fact]
    public void Keyboard_TabToAViewAndEnter_ShouldOpenIt()
    {
        site.Open("#/health");
        View("health");
        var body = Driver.FindElement(By.TagName("body"));
        var link = Driver.FindElement(By.CssSelector("nav a[data-view=fix]"));
        for (var i = 0; i < 8 && !link.Equals(Driver.SwitchTo().ActiveElement()); i++) body.SendKeys(Keys.Tab);

        Driver.SwitchTo().ActiveElement().SendKeys(Keys.Enter);

        Assert.Equal("page", View("fix").FindElement(By.XPath("//nav/a[@data-view='fix']")).GetAttribute("aria-current"));
    }

    [Fact]
    public void NarrowWindow_ShouldKeepTheViewsUsable()
    {
        Driver.Manage().Window.Size = new System.Drawing.Size(420, 900);
        try
        {
            site.Open("#/vms");
            var view = View("vms");
            var scrollWidth = (long)((IJavaScriptExecutor)Driver).ExecuteScript("return document.documentElement.scrollWidth")!;
            var clientWidth = (long)((IJavaScriptExecutor)Driver).ExecuteScript("return document.documentElement.clientWidth")!;
            Assert.True(scrollWidth <= clientWidth + 1, $"the page scrolls sideways: {scrollWidth} > {clientWidth}");
            Assert.True(view.FindElement(By.Id("filter-apply")).Displayed);
            Driver.Screenshot("vms-narrow");
        }
        finally
        {
            Driver.Manage().Window.Size = new System.Drawing.Size(1280, 900);
        }
    }

    [Fact]
    public async Task Api_AnActionWithoutTheAccessToken_ShouldBeRefusedWith403()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{site.Server.Port}/") };
        using var body = new StringContent("{\"messageIds\": [\"" + site.XssMessageId + "\"]}", Encoding.UTF8, "application/json");
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "api/requeue") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        wrong.Headers.Add("X-VmEventOps-Token", "not-the-token");

        var without = await http.PostAsync("api/requeue", body);
        var withWrong = await http.SendAsync(wrong);

        Assert.Equal(HttpStatusCode.Forbidden, without.StatusCode);
        Assert.Contains(ErrorIds.ApiTokenRequired, await without.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, withWrong.StatusCode);

        // From the dashboard's own page too: a script without the token gets nothing done.
        site.Open("#/health");
        View("health");
        var status = ((IJavaScriptExecutor)Driver).ExecuteAsyncScript(
            "const done = arguments[arguments.length - 1]; fetch('api/requeue', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{\"messageIds\":[\"x\"]}' }).then(r => done(r.status));");
        Assert.Equal(403L, status);
        var poison = await VmEventEngine.For(site.Options).Queues(NullHostLog.Instance).PeekAsync(QueueKind.Poison, 32, null, CancellationToken.None);
        Assert.Contains(poison, m => m.MessageId == site.XssMessageId);
    }
}
