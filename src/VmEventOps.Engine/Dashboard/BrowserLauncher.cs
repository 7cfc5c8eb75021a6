using System.Diagnostics;
using VmEventOps.Engine.Diagnostics;

namespace VmEventOps.Engine.Dashboard;

/// <summary>Opens a URL in the user's default browser (the shell's handler of http URLs); says so when there is none.</summary>
public static class BrowserLauncher
{
    /// <summary>True when a browser was started.</summary>
    public static bool TryOpen(string url, IHostLog log)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(url) { UseShellExecute = true });
            return true;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            log.Warning($"No browser could be opened ({e.GetType().Name}): open the dashboard's URL yourself.");
            return false;
        }
    }
}
