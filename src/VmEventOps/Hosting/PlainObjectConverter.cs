using System.Collections;
using System.Management.Automation;

namespace VmEventOps.Hosting;

/// <summary>
/// Unwraps PowerShell objects (PSObject, PSCustomObject, hashtables, arrays) into plain dictionaries,
/// lists and primitives, which the engine can serialize without knowing PowerShell. Never throws on input: a graph
/// nested deeper than <see cref="MaxDepth"/> levels (or a cycle, which is the same thing) is cut there, a property
/// that cannot be read is left out, and <see cref="PlainGraph.TooDeep"/> says that the graph was cut.
/// </summary>
internal static class PlainObjectConverter
{
    /// <summary>The deepest nesting kept, as the event parser's own limit.</summary>
    public const int MaxDepth = 64;

    /// <summary>Items kept of one list (a queue item holds far fewer; an endless enumeration must end).</summary>
    public const int MaxItems = 100_000;

    /// <summary>What stands for a value below the cut.</summary>
    public const string CutMarker = "(nested deeper than 64 levels)";

    /// <summary>The plain form of <paramref name="value"/>, and whether it had to be cut.</summary>
    public static PlainGraph Convert(object? value)
    {
        var walk = new Walk();
        var plain = walk.ToPlain(value, 0);
        return new PlainGraph(plain, walk.TooDeep);
    }

    /// <summary>The plain form of <paramref name="value"/> (cut where too deep).</summary>
    public static object? ToPlain(object? value) => Convert(value).Value;

    private sealed class Walk
    {
        public bool TooDeep { get; private set; }

        public object? ToPlain(object? value, int depth)
        {
            if (depth > MaxDepth)
            {
                TooDeep = true;
                return CutMarker;
            }

            if (value is PSObject psObject)
            {
                if (psObject.BaseObject is PSCustomObject)
                {
                    var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var property in psObject.Properties)
                    {
                        if (TryRead(property, out var propertyValue)) properties[property.Name] = ToPlain(propertyValue, depth + 1);
                    }

                    return properties;
                }

                value = psObject.BaseObject;
            }

            switch (value)
            {
                case null or string or bool or char:
                    return value;
                case DateTime or DateTimeOffset or Guid:
                    return value;
                case IDictionary dictionary:
                    var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        result[System.Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty] = ToPlain(entry.Value, depth + 1);
                    }

                    return result;
                case IEnumerable list:
                    return list.Cast<object?>().Take(MaxItems).Select(item => ToPlain(item, depth + 1)).ToList();
                case IConvertible:
                    return value; // numbers
                default:
                    return Text(value);
            }
        }

        private static string Text(object value)
        {
            try
            {
                return value.ToString() ?? string.Empty;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return value.GetType().FullName ?? string.Empty;
            }
        }

        // A script property that throws, a getter that fails: the property is left out rather than the input refused.
        private static bool TryRead(PSPropertyInfo property, out object? value)
        {
            try
            {
                value = property.Value;
                return true;
            }
            catch (Exception e) when (e is GetValueException or ExtendedTypeSystemException or InvalidOperationException)
            {
                value = null;
                return false;
            }
        }
    }
}

/// <summary>A plain object graph, and whether it was cut because it was nested too deep (or cyclic).</summary>
internal readonly record struct PlainGraph(object? Value, bool TooDeep);
