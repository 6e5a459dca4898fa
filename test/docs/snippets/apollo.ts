import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client'
import { authClient } from './auth'

export const apollo = new ApolloClient({
  link: new HttpLink({ uri: '/graphql', fetch: authClient.fetch }),
  cache: new InMemoryCache(),
})
