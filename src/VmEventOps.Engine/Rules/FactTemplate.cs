using System.Text;
using VmEventOps.Engine.Azure;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Rules;

/// <summary>
/// Text with placeholders for the VM's facts: <c>{VmName}</c>, <c>{VmResourceId}</c>, <c>{VmId}</c>,
/// <c>{PrivateIpAddress}</c>, <c>{OsType}</c>, <c>{Location}</c>, <c>{ResourceGroup}</c>, <c>{SubscriptionId}</c> and
/// <c>{Tag:name}</c> (the tag's value; empty when the VM has no such tag). Names compare without regard to case;
/// <c>{{</c> and <c>}}</c> stand for braces. Pure: the same text and facts give the same result.
/// </summary>
public static class FactTemplate
{
    /// <summary>The placeholder names (besides <c>Tag:name</c>).</summary>
    public static IReadOnlyList<string> Names { get; } = ["VmName", "VmResourceId", "VmId", "PrivateIpAddress", "OsType", "Location", "ResourceGroup", "SubscriptionId"];

    private const string TagPrefix = "Tag:";

    /// <summary>Null when <paramref name="template"/> is well formed, else what is wrong with it.</summary>
    public static string? Problem(string template)
    {
        string? problem = null;
        Walk(template, name =>
        {
            if (problem is null && !IsKnown(name)) problem = $"it names {{{Cut(name)}}}, which is not a fact (known: {string.Join(", ", Names.Select(n => "{" + n + "}"))}, {{Tag:name}})";
            return string.Empty;
        }, out var structure);
        return structure ?? problem;
    }

    /// <summary><paramref name="template"/> with each placeholder replaced by the VM's fact.</summary>
    public static string Render(string template, VmNetworkInfo vm) =>
        template.IndexOf('{') < 0 && template.IndexOf('}') < 0 ? template : Walk(template, name => Value(name, vm) ?? string.Empty, out _);

    private static bool IsKnown(string name) =>
        Names.Contains(name, StringComparer.OrdinalIgnoreCase) || (name.StartsWith(TagPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > TagPrefix.Length);

    private static string? Value(string name, VmNetworkInfo vm)
    {
        if (name.StartsWith(TagPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var key = name[TagPrefix.Length..];
            return vm.Tags.FirstOrDefault(t => string.Equals(t.Key, key, StringComparison.OrdinalIgnoreCase)).Value;
        }

        var id = VmResourceId.TryParse(vm.VmResourceId, out var parsed) ? parsed : null;
        return name.ToUpperInvariant() switch
        {
            "VMNAME" => vm.VmName,
            "VMRESOURCEID" => vm.VmResourceId,
            "VMID" => vm.VmId.ToString("D"),
            "PRIVATEIPADDRESS" => vm.PrivateIpAddress,
            "OSTYPE" => vm.OsType,
            "LOCATION" => vm.Location,
            "RESOURCEGROUP" => id?.ResourceGroupName,
            "SUBSCRIPTIONID" => id?.SubscriptionId.ToString("D"),
            _ => null,
        };
    }

    // One pass: literal text copied, {{ and }} unescaped, each {name} replaced; a brace left open or closed alone is a problem.
    private static string Walk(string template, Func<string, string> replace, out string? problem)
    {
        problem = null;
        var text = new StringBuilder(template.Length + 16);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                text.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                text.Append('}');
                i++;
            }
            else if (c == '{')
            {
                var end = template.IndexOf('}', i + 1);
                if (end < 0)
                {
                    problem ??= $"the brace at position {i + 1} is not closed (write {{{{ for a brace)";
                    text.Append(template, i, template.Length - i);
                    break;
                }

                text.Append(replace(template[(i + 1)..end]));
                i = end;
            }
            else if (c == '}')
            {
                problem ??= $"the brace at position {i + 1} closes nothing (write }}}} for a brace)";
                text.Append(c);
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static string Cut(string name) => name.Length > 40 ? name[..40] + "…" : name;
}
