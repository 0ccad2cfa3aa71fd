namespace QueryRec.Serving.Strategies;

/// <summary>A named strategy; the name is reported in <c>ResponseMetadata.strategy</c>.</summary>
internal interface IStrategy
{
    string Name { get; }
}
