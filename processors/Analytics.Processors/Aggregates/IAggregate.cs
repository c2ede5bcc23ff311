namespace Analytics.Processors.Aggregates;

/// <summary>
/// Trill's aggregate contract. <c>Deaccumulate</c> undoes one <c>Accumulate</c>, which is how a late
/// beacon's correction retracts what a session contributed before and adds what it contributes now.
/// Every aggregate is a pure function of its state, so states merge across partitions and windows.
/// </summary>
internal interface IAggregate<TState, in TInput, out TResult>
{
    static abstract TState Init();

    static abstract TState Accumulate(TState state, TInput input);

    static abstract TState Deaccumulate(TState state, TInput input);

    static abstract TState Merge(TState left, TState right);

    static abstract TResult Result(TState state);
}
