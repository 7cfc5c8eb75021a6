namespace VmEventOps.Engine.Dashboard;

/// <summary>One file of the UI: its content type and bytes.</summary>
public sealed record StaticFile(string ContentType, byte[] Content);
