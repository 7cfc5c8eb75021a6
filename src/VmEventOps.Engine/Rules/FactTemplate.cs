using System.Net;
using System.Net.Sockets;
using System.Text;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Rules;

/// <summary>
/// Text with placeholders for the VM's facts: <c>{VmName}</c>, <c>{VmResourceId}</c>, <c>{VmId}</c>,
/// <c>{PrivateIpAddress}</c>, <c>{OsType}</c>, <c>{Location}</c>, <c>{ResourceGroup}</c>, <c>{SubscriptionId}</c>,
/// <c>{Tag:name}</c> (the tag's value; a VM without the tag is <see cref="ErrorIds.RuleTemplateValueInvalid"/>) and
/// <c>{Tag:name?}</c> (empty when the VM has no such tag). Names compare without regard to case; <c>{{</c> and <c>}}</c>
/// stand for braces. Each position fills its own way: <see cref="Render"/> as text (runbook parameters),
/// <see cref="RenderHost"/> a host name (each value only letters, digits, '-', '.', '_' or an IP address), and
/// <see cref="RenderUrl"/> a URL (its host as a host, the rest escaped, and the result checked again). Tags are anyone's
/// with tag write: <see cref="NamesTag"/> lets the parser keep them out of hosts that receive a secret. Pure.
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
            if (problem is null && !IsKnown(name)) problem = $"it names {{{Cut(name)}}}, which is not a fact (known: {string.Join(", ", Names.Select(n => "{" + n + "}"))}, {{Tag:name}}, {{Tag:name?}})";
            return string.Empty;
        }, out var structure);
        return structure ?? problem;
    }

    /// <summary>True when <paramref name="template"/> holds a <c>{Tag:name}</c> placeholder (a value anyone with tag write chooses).</summary>
    public static bool NamesTag(string template)
    {
        var tag = false;
        Walk(template, name =>
        {
            tag |= IsTag(name);
            return string.Empty;
        }, out _);
        return tag;
    }

    /// <summary>
    /// The host part of a URL template (after <c>scheme://</c>, before the first <c>/</c>, <c>?</c> or <c>#</c> of its
    /// literal text), or null when the template does not start with <c>http://</c> or <c>https://</c>.
    /// </summary>
    public static string? UrlHostPart(string template) => SplitUrl(template) is { } parts ? parts.Authority : null;

    /// <summary><paramref name="template"/> with each placeholder replaced by a neutral value (an address, or <c>x</c>): its shape, for checks when the settings are read.</summary>
    public static string Sample(string template) =>
        Walk(template, name => string.Equals(name, "PrivateIpAddress", StringComparison.OrdinalIgnoreCase) ? "10.0.0.1" : "x", out _);

    /// <summary><paramref name="template"/> with each placeholder replaced by the VM's fact, as text.</summary>
    public static string Render(string template, VmNetworkInfo vm) =>
        template.IndexOf('{') < 0 && template.IndexOf('}') < 0 ? template : Walk(template, name => Value(name, vm), out _);

    /// <summary>
    /// A host name (or address) of <paramref name="template"/>: each fact's value must be an IP address or only letters,
    /// digits, '-', '.' and '_', so no value can add a user, a port, a path or another host.
    /// </summary>
    public static string RenderHost(string template, VmNetworkInfo vm) => Walk(template, name => HostValue(name, Value(name, vm), bracketIpv6: false), out _);

    /// <summary>
    /// The URL of <paramref name="template"/>: its host part filled as a host, the rest with each value escaped
    /// (<see cref="Uri.EscapeDataString"/>), and the result checked again: the template's scheme, no user information,
    /// and the host the host part gave. Anything else is <see cref="ErrorIds.RuleTemplateValueInvalid"/>; null when the
    /// host part fills empty (the VM has no private address yet).
    /// </summary>
    public static Uri? RenderUrl(string template, VmNetworkInfo vm)
    {
        var parts = SplitUrl(template) ?? throw ValueInvalid("the URL template does not start with http:// or https://");
        var authority = Walk(parts.Authority, name => HostValue(name, Value(name, vm), bracketIpv6: true), out _);
        var rest = Walk(parts.Tail, name => Uri.EscapeDataString(Value(name, vm)), out _);
        var host = HostOf(authority);
        if (host.Length == 0) return null;
        if (!Uri.TryCreate(parts.Scheme + "://" + authority + rest, UriKind.Absolute, out var uri)
            || !string.Equals(uri.Scheme, parts.Scheme, StringComparison.OrdinalIgnoreCase)
            || uri.UserInfo.Length > 0
            || !string.Equals(uri.Host, host, StringComparison.OrdinalIgnoreCase))
        {
            throw ValueInvalid("the filled URL is not an http(s) URL to the host its template names");
        }

        return uri;
    }

    private static bool IsKnown(string name) => Names.Contains(name, StringComparer.OrdinalIgnoreCase) || IsTag(name);

    private static bool IsTag(string name) =>
        name.StartsWith(TagPrefix, StringComparison.OrdinalIgnoreCase) && name.TrimEnd('?').Length > TagPrefix.Length && name.IndexOf('?') is var q && (q < 0 || q == name.Length - 1);

    private static string Value(string name, VmNetworkInfo vm)
    {
        if (name.StartsWith(TagPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var optional = name.EndsWith('?');
            var key = name[TagPrefix.Length..].TrimEnd('?');
            var tag = vm.Tags.FirstOrDefault(t => string.Equals(t.Key, key, StringComparison.OrdinalIgnoreCase));
            if (tag.Key is null && !optional) throw ValueInvalid($"the VM has no tag {Cut(key)} (write {{Tag:{Cut(key)}?}} for an optional tag)");
            return tag.Value ?? string.Empty;
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
        } ?? string.Empty;
    }

    private static string HostValue(string name, string value, bool bracketIpv6)
    {
        if (IPAddress.TryParse(value, out var address) && value.IndexOf('%') < 0 && value.IndexOf('[') < 0)
        {
            return bracketIpv6 && address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_'))
            {
                throw ValueInvalid($"the value of {{{Cut(name)}}} cannot stand in a host (only letters, digits, '-', '.', '_' or an IP address)");
            }
        }

        return value;
    }

    // The host of a filled authority: without a literal :port, IPv6 brackets kept (as Uri.Host keeps them).
    private static string HostOf(string authority)
    {
        if (authority.StartsWith('[')) return authority.IndexOf(']') is var end and > 0 ? authority[..(end + 1)] : authority;
        return authority.IndexOf(':') is var colon and >= 0 ? authority[..colon] : authority;
    }

    private static (string Scheme, string Authority, string Tail)? SplitUrl(string template)
    {
        var scheme = template.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "https"
            : template.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "http" : null;
        if (scheme is null) return null;
        var start = scheme.Length + 3;
        var end = template.Length;
        var inPlaceholder = false;
        for (var i = start; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{' && !inPlaceholder && i + 1 < template.Length && template[i + 1] == '{') i++;
            else if (c == '{') inPlaceholder = true;
            else if (c == '}') inPlaceholder = false;
            else if (!inPlaceholder && c is '/' or '?' or '#' or '\\')
            {
                end = i;
                break;
            }
        }

        return (scheme, template[start..end], template[end..]);
    }

    private static VmEventOpsException ValueInvalid(string why) => new(ErrorIds.RuleTemplateValueInvalid, VmErrorCategory.InvalidData, $"A template of the rule cannot be filled: {why}.");

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
