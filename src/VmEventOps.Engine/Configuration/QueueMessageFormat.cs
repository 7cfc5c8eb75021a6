namespace VmEventOps.Engine.Configuration;

/// <summary>How an event is encoded in a main-queue message.</summary>
public enum QueueMessageFormat
{
    /// <summary>Base64 of the UTF-8 JSON: what Event Grid writes today.</summary>
    Base64,

    /// <summary>The JSON text as is.</summary>
    Text,
}
