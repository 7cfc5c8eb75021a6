using System.Globalization;
using System.Management.Automation;

namespace VmEventOps.Hosting;

/// <summary>Validates that a TimeSpan parameter lies within a range (PowerShellStandard's ValidateRange takes numbers only).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class ValidateTimeSpanRangeAttribute(string minimum, string maximum) : ValidateArgumentsAttribute
{
    private readonly TimeSpan _minimum = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);
    private readonly TimeSpan _maximum = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var value = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
        if (value is TimeSpan span && (span < _minimum || span > _maximum))
        {
            throw new ValidationMetadataException($"{span} is not between {_minimum} and {_maximum}.");
        }
    }
}
