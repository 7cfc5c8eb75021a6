using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace VmEventOps.Engine.Tests.Infrastructure;

/// <summary>
/// Debian's chromium, headless, through Debian's chromium-driver and Selenium.WebDriver (build.ps1 -Task Test installs
/// both: tests/servers/install-browser.sh). Missing, the tests fail with what to install; they never skip.
/// </summary>
public static class Browser
{
    private static readonly string[] BrowserPaths = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"];
    private static readonly string[] DriverPaths = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];

    /// <summary>A headless chromium window of <paramref name="width"/> × <paramref name="height"/> CSS pixels.</summary>
    public static ChromeDriver Start(int width = 1280, int height = 900)
    {
        var browser = BrowserPaths.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("chromium is not installed: run tests/servers/install-browser.sh as root (build.ps1 -Task Test does).");
        var driver = DriverPaths.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("chromium-driver is not installed: run tests/servers/install-browser.sh as root (build.ps1 -Task Test does).");
        var options = new ChromeOptions { BinaryLocation = browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
            "--proxy-server=direct://", "--proxy-bypass-list=*", $"--window-size={width},{height}", "--lang=en-US");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var chrome = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        chrome.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
        return chrome;
    }

    /// <summary>Waits until <paramref name="find"/> gives a value other than null (or true), up to 15 seconds.</summary>
    public static T Until<T>(this IWebDriver driver, Func<IWebDriver, T?> find, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var value = find(driver);
                if (value is not null && value is not false) return value;
            }
            catch (Exception e) when (e is NoSuchElementException or StaleElementReferenceException or InvalidOperationException)
            {
                last = e;
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"Waited 15 s for {what}; the page shows: {Text(driver)}", last);
    }

    /// <summary>The page's visible text (for failure messages).</summary>
    public static string Text(IWebDriver driver)
    {
        try
        {
            var text = driver.FindElement(By.TagName("body")).Text;
            return text.Length > 1500 ? text[..1500] : text;
        }
        catch (WebDriverException e)
        {
            return "(unreadable: " + e.Message + ")";
        }
    }

    /// <summary>Saves a screenshot as out/dashboard/<paramref name="name"/>.png.</summary>
    public static string Screenshot(this IWebDriver driver, string name)
    {
        var folder = Path.Combine(Repository.Root, "out", "dashboard");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(path);
        return path;
    }
}
