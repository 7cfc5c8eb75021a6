using System.Runtime.InteropServices;

namespace VmEventOps.Engine.Configuration;

/// <summary>
/// What kind of file system entry a path names, where .NET does not say: on Unix a character or block device
/// (/dev/zero, /dev/stdin), a FIFO or a socket looks like an ordinary file to <see cref="FileInfo"/>. Asked through the
/// runtime's own native shim (the stat call PowerShell uses too), without opening the entry, so a FIFO cannot block.
/// </summary>
internal static class FileKind
{
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;
    private const int Directory = 0x4000;

    /// <summary>True when <paramref name="path"/> exists and is neither a regular file nor a directory (symbolic links followed).</summary>
    public static bool IsSpecial(string path)
    {
        if (OperatingSystem.IsWindows()) return false;
        // struct FileStatus of System.Native: int32 Flags, int32 Mode, then fields this reader does not need.
        var status = new byte[256];
        try
        {
            // The path as the C string the shim takes: UTF-8, NUL-terminated.
            var name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
            if (Stat(name, status) != 0) return false; // missing or unreadable: the open that follows says which
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }

        var kind = BitConverter.ToInt32(status, 4) & FileTypeMask;
        return kind is not (RegularFile or Directory);
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", ExactSpelling = true)]
    private static extern int Stat(byte[] path, [Out] byte[] status);
}
