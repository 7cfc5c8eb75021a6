namespace VmEventOps.Engine.Api;

/// <summary>A request the router refuses: its status (400, 403, 405) and ErrorId. Never leaves the router.</summary>
internal sealed class ApiRefusal(int status, string errorId, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string ErrorId { get; } = errorId;
}
