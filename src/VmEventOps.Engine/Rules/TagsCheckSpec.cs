namespace VmEventOps.Engine.Rules;

/// <summary>Tags the VM must carry: each <c>key</c> or <c>key=pattern</c> (<see cref="TagCondition"/>).</summary>
public sealed record TagsCheckSpec : CheckSpec
{
    public override CheckKind Kind => CheckKind.Tags;

    public required IReadOnlyList<TagCondition> Required { get; init; }
}
