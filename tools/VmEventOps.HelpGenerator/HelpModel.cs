namespace VmEventOps.HelpGenerator;

/// <summary>Help for one cmdlet, as Get-Help shows it.</summary>
internal sealed record CommandHelp(
    string Name,
    string Verb,
    string Noun,
    string Synopsis,
    IReadOnlyList<string> Description,
    IReadOnlyList<ParameterHelp> Parameters,
    IReadOnlyList<SyntaxHelp> Syntax,
    IReadOnlyList<string> InputTypes,
    IReadOnlyList<string> OutputTypes,
    IReadOnlyList<ExampleHelp> Examples,
    IReadOnlyList<string> Notes,
    bool SupportsShouldProcess = false);

/// <summary>One parameter; <see cref="Position"/> is null when named only.</summary>
internal sealed record ParameterHelp(
    string Name,
    string TypeName,
    bool IsSwitch,
    bool Required,
    int? Position,
    string PipelineInput,
    bool Globbing,
    IReadOnlyList<string> Aliases,
    string? DefaultValue,
    IReadOnlyList<string> Description);

/// <summary>One parameter set as a syntax line.</summary>
internal sealed record SyntaxHelp(string SetName, IReadOnlyList<ParameterHelp> Parameters);

/// <summary>An example: the code and what it does.</summary>
internal sealed record ExampleHelp(string Code, IReadOnlyList<string> Remarks);
