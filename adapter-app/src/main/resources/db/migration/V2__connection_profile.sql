-- What each connection's deals carry a field for (region, segment, product), as its connector last said.
create table connection_profile (
    connection        text  primary key,
    mapped_dimensions jsonb not null default '[]'
);
