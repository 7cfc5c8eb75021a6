namespace VmEventOps.Engine.Events;

/// <summary>The envelope an event arrived in.</summary>
public enum EventSchema
{
    /// <summary>Event Grid's own schema (<c>eventType</c>, <c>eventTime</c>, <c>topic</c>).</summary>
    EventGrid,

    /// <summary>CloudEvents 1.0 (<c>specversion</c>, <c>type</c>, <c>time</c>, <c>source</c>).</summary>
    CloudEvent,
}
